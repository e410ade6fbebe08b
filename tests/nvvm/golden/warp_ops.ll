; Golden NVVM IR of the 'warp_ops' test kernel (tests/nvvm/test_kernels.h).
; Regenerate: GPUC_UPDATE_GOLDEN=1 build/tests/nvvm/nvvm_backend_test
; CHECK: ; NVVM IR written by gpuc (LLVM 7 typed-pointer dialect)
; CHECK-NEXT: target datalayout = "e-p:64:64:64-p3:32:32:32-i1:8:8-i8:8:8-i16:16:16-i32:32:32-i64:64:64-i128:128:128-f32:32:32-f64:64:64-v16:16:16-v32:32:32-v64:64:64-v128:128:128-n16:32:64"
; CHECK-NEXT: target triple = "nvptx64-nvidia-cuda"
; CHECK-EMPTY:
; CHECK-NEXT: declare void @llvm.nvvm.bar.warp.sync(i32)
; CHECK-NEXT: declare i32 @llvm.nvvm.read.ptx.sreg.laneid()
; CHECK-NEXT: declare i32 @llvm.nvvm.shfl.sync.bfly.i32(i32, i32, i32, i32)
; CHECK-NEXT: declare i32 @llvm.nvvm.shfl.sync.down.i32(i32, i32, i32, i32)
; CHECK-NEXT: declare i32 @llvm.nvvm.shfl.sync.idx.i32(i32, i32, i32, i32)
; CHECK-NEXT: declare i32 @llvm.nvvm.shfl.sync.up.i32(i32, i32, i32, i32)
; CHECK-NEXT: declare i1 @llvm.nvvm.vote.all.sync(i32, i1)
; CHECK-NEXT: declare i1 @llvm.nvvm.vote.any.sync(i32, i1)
; CHECK-NEXT: declare i32 @llvm.nvvm.vote.ballot.sync(i32, i1)
; CHECK-EMPTY:
; CHECK-NEXT: define void @warp_ops(float addrspace(1)* %p0, double addrspace(1)* %p1, i32 addrspace(1)* %p2) {
; CHECK-NEXT: entry:
; CHECK-NEXT:   %t0 = call i32 @llvm.nvvm.read.ptx.sreg.laneid(), !range !0
; CHECK-NEXT:   %t1 = zext i32 %t0 to i64
; CHECK-NEXT:   %t2 = getelementptr inbounds float, float addrspace(1)* %p0, i64 %t1
; CHECK-NEXT:   %t3 = load float, float addrspace(1)* %t2, align 4
; CHECK-NEXT:   %t4 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t5 = bitcast float %t3 to i32
; CHECK-NEXT:   %t6 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t4, i32 %t5, i32 16, i32 31)
; CHECK-NEXT:   %t7 = bitcast i32 %t6 to float
; CHECK-NEXT:   %t8 = fadd float %t3, %t7
; CHECK-NEXT:   %t9 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t10 = bitcast float %t8 to i32
; CHECK-NEXT:   %t11 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t9, i32 %t10, i32 8, i32 31)
; CHECK-NEXT:   %t12 = bitcast i32 %t11 to float
; CHECK-NEXT:   %t13 = fadd float %t8, %t12
; CHECK-NEXT:   %t14 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t15 = bitcast float %t13 to i32
; CHECK-NEXT:   %t16 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t14, i32 %t15, i32 4, i32 31)
; CHECK-NEXT:   %t17 = bitcast i32 %t16 to float
; CHECK-NEXT:   %t18 = fadd float %t13, %t17
; CHECK-NEXT:   %t19 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t20 = bitcast float %t18 to i32
; CHECK-NEXT:   %t21 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t19, i32 %t20, i32 2, i32 31)
; CHECK-NEXT:   %t22 = bitcast i32 %t21 to float
; CHECK-NEXT:   %t23 = fadd float %t18, %t22
; CHECK-NEXT:   %t24 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t25 = bitcast float %t23 to i32
; CHECK-NEXT:   %t26 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t24, i32 %t25, i32 1, i32 31)
; CHECK-NEXT:   %t27 = bitcast i32 %t26 to float
; CHECK-NEXT:   %t28 = fadd float %t23, %t27
; CHECK-NEXT:   %t29 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t30 = bitcast float %t28 to i32
; CHECK-NEXT:   %t31 = call i32 @llvm.nvvm.shfl.sync.down.i32(i32 %t29, i32 %t30, i32 1, i32 31)
; CHECK-NEXT:   %t32 = bitcast i32 %t31 to float
; CHECK-NEXT:   %t33 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t34 = bitcast float %t32 to i32
; CHECK-NEXT:   %t35 = call i32 @llvm.nvvm.shfl.sync.up.i32(i32 %t33, i32 %t34, i32 1, i32 0)
; CHECK-NEXT:   %t36 = bitcast i32 %t35 to float
; CHECK-NEXT:   %t37 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t38 = bitcast float %t36 to i32
; CHECK-NEXT:   %t39 = call i32 @llvm.nvvm.shfl.sync.idx.i32(i32 %t37, i32 %t38, i32 0, i32 31)
; CHECK-NEXT:   %t40 = bitcast i32 %t39 to float
; CHECK-NEXT:   %t41 = zext i32 %t0 to i64
; CHECK-NEXT:   %t42 = getelementptr inbounds float, float addrspace(1)* %p0, i64 %t41
; CHECK-NEXT:   store float %t40, float addrspace(1)* %t42, align 4
; CHECK-NEXT:   %t43 = zext i32 %t0 to i64
; CHECK-NEXT:   %t44 = getelementptr inbounds double, double addrspace(1)* %p1, i64 %t43
; CHECK-NEXT:   %t45 = load double, double addrspace(1)* %t44, align 8
; CHECK-NEXT:   %t46 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t47 = bitcast double %t45 to i64
; CHECK-NEXT:   %t48 = trunc i64 %t47 to i32
; CHECK-NEXT:   %t49 = lshr i64 %t47, 32
; CHECK-NEXT:   %t50 = trunc i64 %t49 to i32
; CHECK-NEXT:   %t51 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t46, i32 %t48, i32 1, i32 31)
; CHECK-NEXT:   %t52 = zext i32 %t51 to i64
; CHECK-NEXT:   %t53 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t46, i32 %t50, i32 1, i32 31)
; CHECK-NEXT:   %t54 = zext i32 %t53 to i64
; CHECK-NEXT:   %t55 = shl i64 %t54, 32
; CHECK-NEXT:   %t56 = or i64 %t55, %t52
; CHECK-NEXT:   %t57 = bitcast i64 %t56 to double
; CHECK-NEXT:   %t58 = zext i32 %t0 to i64
; CHECK-NEXT:   %t59 = getelementptr inbounds double, double addrspace(1)* %p1, i64 %t58
; CHECK-NEXT:   store double %t57, double addrspace(1)* %t59, align 8
; CHECK-NEXT:   %t60 = fcmp ogt float %t3, 0x0000000000000000
; CHECK-NEXT:   %t61 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t62 = call i32 @llvm.nvvm.vote.ballot.sync(i32 %t61, i1 %t60)
; CHECK-NEXT:   %t63 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t64 = call i1 @llvm.nvvm.vote.all.sync(i32 %t63, i1 %t60)
; CHECK-NEXT:   %t65 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t66 = call i1 @llvm.nvvm.vote.any.sync(i32 %t65, i1 %t60)
; CHECK-NEXT:   %t67 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t68 = add i32 %t62, %t67
; CHECK-NEXT:   %t69 = zext i1 %t64 to i32
; CHECK-NEXT:   %t70 = add i32 %t68, %t69
; CHECK-NEXT:   %t71 = zext i1 %t66 to i32
; CHECK-NEXT:   %t72 = add i32 %t70, %t71
; CHECK-NEXT:   %t73 = add i32 %t72, 32
; CHECK-NEXT:   call void @llvm.nvvm.bar.warp.sync(i32 -1)
; CHECK-NEXT:   %t74 = zext i32 %t0 to i64
; CHECK-NEXT:   %t75 = getelementptr inbounds i32, i32 addrspace(1)* %p2, i64 %t74
; CHECK-NEXT:   store i32 %t73, i32 addrspace(1)* %t75, align 4
; CHECK-NEXT:   ret void
; CHECK-NEXT: }
; CHECK-EMPTY:
; CHECK-EMPTY:
; CHECK-NEXT: !nvvm.annotations = !{!1}
; CHECK-NEXT: !nvvmir.version = !{!2}
; CHECK-EMPTY:
; CHECK-NEXT: !0 = !{i32 0, i32 32}
; CHECK-NEXT: !1 = !{void (float addrspace(1)*, double addrspace(1)*, i32 addrspace(1)*)* @warp_ops, !"kernel", i32 1}
; CHECK-NEXT: !2 = !{i32 2, i32 0}
