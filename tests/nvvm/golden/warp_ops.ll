; Golden NVVM IR of the 'warp_ops' test kernel (tests/nvvm/test_kernels.h).
; Regenerate: GPUC_UPDATE_GOLDEN=1 build/tests/nvvm/nvvm_backend_test
; CHECK: ; NVVM IR written by gpuc (LLVM 7 typed-pointer dialect)
; CHECK-NEXT: target datalayout = "e-p:64:64:64-i1:8:8-i8:8:8-i16:16:16-i32:32:32-i64:64:64-i128:128:128-f32:32:32-f64:64:64-v16:16:16-v32:32:32-v64:64:64-v128:128:128-n16:32:64"
; CHECK-NEXT: target triple = "nvptx64-nvidia-cuda"
; CHECK-EMPTY:
; CHECK-NEXT: declare void @llvm.nvvm.bar.warp.sync(i32)
; CHECK-NEXT: declare i32 @llvm.nvvm.read.ptx.sreg.laneid()
; CHECK-NEXT: declare i32 @llvm.nvvm.read.ptx.sreg.warpsize()
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
; CHECK-NEXT:   %t0 = call i32 @llvm.nvvm.read.ptx.sreg.laneid()
; CHECK-NEXT:   %t1 = call i32 @llvm.nvvm.read.ptx.sreg.warpsize()
; CHECK-NEXT:   %t2 = zext i32 %t0 to i64
; CHECK-NEXT:   %t3 = getelementptr inbounds float, float addrspace(1)* %p0, i64 %t2
; CHECK-NEXT:   %t4 = load float, float addrspace(1)* %t3, align 4
; CHECK-NEXT:   %t5 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t6 = bitcast float %t4 to i32
; CHECK-NEXT:   %t7 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t5, i32 %t6, i32 16, i32 31)
; CHECK-NEXT:   %t8 = bitcast i32 %t7 to float
; CHECK-NEXT:   %t9 = fadd float %t4, %t8
; CHECK-NEXT:   %t10 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t11 = bitcast float %t9 to i32
; CHECK-NEXT:   %t12 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t10, i32 %t11, i32 8, i32 31)
; CHECK-NEXT:   %t13 = bitcast i32 %t12 to float
; CHECK-NEXT:   %t14 = fadd float %t9, %t13
; CHECK-NEXT:   %t15 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t16 = bitcast float %t14 to i32
; CHECK-NEXT:   %t17 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t15, i32 %t16, i32 4, i32 31)
; CHECK-NEXT:   %t18 = bitcast i32 %t17 to float
; CHECK-NEXT:   %t19 = fadd float %t14, %t18
; CHECK-NEXT:   %t20 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t21 = bitcast float %t19 to i32
; CHECK-NEXT:   %t22 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t20, i32 %t21, i32 2, i32 31)
; CHECK-NEXT:   %t23 = bitcast i32 %t22 to float
; CHECK-NEXT:   %t24 = fadd float %t19, %t23
; CHECK-NEXT:   %t25 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t26 = bitcast float %t24 to i32
; CHECK-NEXT:   %t27 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t25, i32 %t26, i32 1, i32 31)
; CHECK-NEXT:   %t28 = bitcast i32 %t27 to float
; CHECK-NEXT:   %t29 = fadd float %t24, %t28
; CHECK-NEXT:   %t30 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t31 = bitcast float %t29 to i32
; CHECK-NEXT:   %t32 = call i32 @llvm.nvvm.shfl.sync.down.i32(i32 %t30, i32 %t31, i32 1, i32 31)
; CHECK-NEXT:   %t33 = bitcast i32 %t32 to float
; CHECK-NEXT:   %t34 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t35 = bitcast float %t33 to i32
; CHECK-NEXT:   %t36 = call i32 @llvm.nvvm.shfl.sync.up.i32(i32 %t34, i32 %t35, i32 1, i32 0)
; CHECK-NEXT:   %t37 = bitcast i32 %t36 to float
; CHECK-NEXT:   %t38 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t39 = bitcast float %t37 to i32
; CHECK-NEXT:   %t40 = call i32 @llvm.nvvm.shfl.sync.idx.i32(i32 %t38, i32 %t39, i32 0, i32 31)
; CHECK-NEXT:   %t41 = bitcast i32 %t40 to float
; CHECK-NEXT:   %t42 = zext i32 %t0 to i64
; CHECK-NEXT:   %t43 = getelementptr inbounds float, float addrspace(1)* %p0, i64 %t42
; CHECK-NEXT:   store float %t41, float addrspace(1)* %t43, align 4
; CHECK-NEXT:   %t44 = zext i32 %t0 to i64
; CHECK-NEXT:   %t45 = getelementptr inbounds double, double addrspace(1)* %p1, i64 %t44
; CHECK-NEXT:   %t46 = load double, double addrspace(1)* %t45, align 8
; CHECK-NEXT:   %t47 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t48 = bitcast double %t46 to i64
; CHECK-NEXT:   %t49 = trunc i64 %t48 to i32
; CHECK-NEXT:   %t50 = lshr i64 %t48, 32
; CHECK-NEXT:   %t51 = trunc i64 %t50 to i32
; CHECK-NEXT:   %t52 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t47, i32 %t49, i32 1, i32 31)
; CHECK-NEXT:   %t53 = zext i32 %t52 to i64
; CHECK-NEXT:   %t54 = call i32 @llvm.nvvm.shfl.sync.bfly.i32(i32 %t47, i32 %t51, i32 1, i32 31)
; CHECK-NEXT:   %t55 = zext i32 %t54 to i64
; CHECK-NEXT:   %t56 = shl i64 %t55, 32
; CHECK-NEXT:   %t57 = or i64 %t56, %t53
; CHECK-NEXT:   %t58 = bitcast i64 %t57 to double
; CHECK-NEXT:   %t59 = zext i32 %t0 to i64
; CHECK-NEXT:   %t60 = getelementptr inbounds double, double addrspace(1)* %p1, i64 %t59
; CHECK-NEXT:   store double %t58, double addrspace(1)* %t60, align 8
; CHECK-NEXT:   %t61 = fcmp ogt float %t4, 0x0000000000000000
; CHECK-NEXT:   %t62 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t63 = call i32 @llvm.nvvm.vote.ballot.sync(i32 %t62, i1 %t61)
; CHECK-NEXT:   %t64 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t65 = call i1 @llvm.nvvm.vote.all.sync(i32 %t64, i1 %t61)
; CHECK-NEXT:   %t66 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t67 = call i1 @llvm.nvvm.vote.any.sync(i32 %t66, i1 %t61)
; CHECK-NEXT:   %t68 = call i32 asm sideeffect "activemask.b32 $0;", "=r"()
; CHECK-NEXT:   %t69 = add i32 %t63, %t68
; CHECK-NEXT:   %t70 = zext i1 %t65 to i32
; CHECK-NEXT:   %t71 = add i32 %t69, %t70
; CHECK-NEXT:   %t72 = zext i1 %t67 to i32
; CHECK-NEXT:   %t73 = add i32 %t71, %t72
; CHECK-NEXT:   %t74 = add i32 %t73, %t1
; CHECK-NEXT:   call void @llvm.nvvm.bar.warp.sync(i32 -1)
; CHECK-NEXT:   %t75 = zext i32 %t0 to i64
; CHECK-NEXT:   %t76 = getelementptr inbounds i32, i32 addrspace(1)* %p2, i64 %t75
; CHECK-NEXT:   store i32 %t74, i32 addrspace(1)* %t76, align 4
; CHECK-NEXT:   ret void
; CHECK-NEXT: }
; CHECK-EMPTY:
; CHECK-EMPTY:
; CHECK-NEXT: !nvvm.annotations = !{!0}
; CHECK-NEXT: !nvvmir.version = !{!1}
; CHECK-EMPTY:
; CHECK-NEXT: !0 = !{void (float addrspace(1)*, double addrspace(1)*, i32 addrspace(1)*)* @warp_ops, !"kernel", i32 1}
; CHECK-NEXT: !1 = !{i32 2, i32 0}
