; Golden NVVM IR of the 'reduce' test kernel (tests/nvvm/test_kernels.h).
; Regenerate: GPUC_UPDATE_GOLDEN=1 build/tests/nvvm/nvvm_backend_test
; CHECK: ; NVVM IR written by gpuc (LLVM 7 typed-pointer dialect)
; CHECK-NEXT: target datalayout = "e-p:64:64:64-p3:32:32:32-i1:8:8-i8:8:8-i16:16:16-i32:32:32-i64:64:64-i128:128:128-f32:32:32-f64:64:64-v16:16:16-v32:32:32-v64:64:64-v128:128:128-n16:32:64"
; CHECK-NEXT: target triple = "nvptx64-nvidia-cuda"
; CHECK-EMPTY:
; CHECK-NEXT: @partial = internal addrspace(3) global [256 x float] undef, align 4
; CHECK-EMPTY:
; CHECK-NEXT: declare void @llvm.nvvm.barrier0()
; CHECK-NEXT: declare i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
; CHECK-NEXT: declare i32 @llvm.nvvm.read.ptx.sreg.tid.x()
; CHECK-EMPTY:
; CHECK-NEXT: define void @reduce(float addrspace(1)* noalias readonly %p0, float addrspace(1)* noalias %p1) {
; CHECK-NEXT: entry:
; CHECK-NEXT:   %t9 = alloca i32, align 4
; CHECK-NEXT:   %t0 = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x(), !range !0
; CHECK-NEXT:   %t1 = call i32 @llvm.nvvm.read.ptx.sreg.tid.x(), !range !1
; CHECK-NEXT:   %t2 = mul i32 %t0, 256
; CHECK-NEXT:   %t3 = call i32 @llvm.nvvm.read.ptx.sreg.tid.x(), !range !1
; CHECK-NEXT:   %t4 = add i32 %t2, %t3
; CHECK-NEXT:   %t5 = zext i32 %t4 to i64
; CHECK-NEXT:   %t6 = getelementptr inbounds float, float addrspace(1)* %p0, i64 %t5
; CHECK-NEXT:   %t7 = load float, float addrspace(1)* %t6, align 4
; CHECK-NEXT:   %t8 = getelementptr inbounds [256 x float], [256 x float] addrspace(3)* @partial, i32 0, i32 %t1
; CHECK-NEXT:   store float %t7, float addrspace(3)* %t8, align 4
; CHECK-NEXT:   call void @llvm.nvvm.barrier0()
; CHECK-NEXT:   store i32 128, i32* %t9, align 4
; CHECK-NEXT:   br label %loop.0
; CHECK-NEXT: loop.0:
; CHECK-NEXT:   %t10 = load i32, i32* %t9, align 4
; CHECK-NEXT:   %t11 = icmp eq i32 %t10, 0
; CHECK-NEXT:   br i1 %t11, label %then.3, label %endif.4
; CHECK-NEXT: then.3:
; CHECK-NEXT:   br label %endloop.2
; CHECK-NEXT: endif.4:
; CHECK-NEXT:   %t12 = icmp ult i32 %t1, %t10
; CHECK-NEXT:   br i1 %t12, label %then.5, label %endif.6
; CHECK-NEXT: then.5:
; CHECK-NEXT:   %t13 = getelementptr inbounds [256 x float], [256 x float] addrspace(3)* @partial, i32 0, i32 %t1
; CHECK-NEXT:   %t14 = add i32 %t1, %t10
; CHECK-NEXT:   %t15 = getelementptr inbounds [256 x float], [256 x float] addrspace(3)* @partial, i32 0, i32 %t14
; CHECK-NEXT:   %t16 = load float, float addrspace(3)* %t15, align 4
; CHECK-NEXT:   %t17 = load float, float addrspace(3)* %t13, align 4
; CHECK-NEXT:   %t18 = fadd float %t17, %t16
; CHECK-NEXT:   store float %t18, float addrspace(3)* %t13, align 4
; CHECK-NEXT:   br label %endif.6
; CHECK-NEXT: endif.6:
; CHECK-NEXT:   call void @llvm.nvvm.barrier0()
; CHECK-NEXT:   br label %cont.1
; CHECK-NEXT: cont.1:
; CHECK-NEXT:   %t19 = load i32, i32* %t9, align 4
; CHECK-NEXT:   %t20 = lshr i32 %t19, 1
; CHECK-NEXT:   store i32 %t20, i32* %t9, align 4
; CHECK-NEXT:   br label %loop.0
; CHECK-NEXT: endloop.2:
; CHECK-NEXT:   %t21 = icmp eq i32 %t1, 0
; CHECK-NEXT:   br i1 %t21, label %then.7, label %endif.8
; CHECK-NEXT: then.7:
; CHECK-NEXT:   %t22 = getelementptr inbounds [256 x float], [256 x float] addrspace(3)* @partial, i32 0, i32 0
; CHECK-NEXT:   %t23 = load float, float addrspace(3)* %t22, align 4
; CHECK-NEXT:   %t24 = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x(), !range !0
; CHECK-NEXT:   %t25 = zext i32 %t24 to i64
; CHECK-NEXT:   %t26 = getelementptr inbounds float, float addrspace(1)* %p1, i64 %t25
; CHECK-NEXT:   store float %t23, float addrspace(1)* %t26, align 4
; CHECK-NEXT:   br label %endif.8
; CHECK-NEXT: endif.8:
; CHECK-NEXT:   ret void
; CHECK-NEXT: }
; CHECK-EMPTY:
; CHECK-EMPTY:
; CHECK-NEXT: !nvvm.annotations = !{!2, !3, !4, !5}
; CHECK-NEXT: !nvvmir.version = !{!6}
; CHECK-EMPTY:
; CHECK-NEXT: !0 = !{i32 0, i32 2147483647}
; CHECK-NEXT: !1 = !{i32 0, i32 256}
; CHECK-NEXT: !2 = !{void (float addrspace(1)*, float addrspace(1)*)* @reduce, !"kernel", i32 1}
; CHECK-NEXT: !3 = !{void (float addrspace(1)*, float addrspace(1)*)* @reduce, !"reqntidx", i32 256}
; CHECK-NEXT: !4 = !{void (float addrspace(1)*, float addrspace(1)*)* @reduce, !"reqntidy", i32 1}
; CHECK-NEXT: !5 = !{void (float addrspace(1)*, float addrspace(1)*)* @reduce, !"reqntidz", i32 1}
; CHECK-NEXT: !6 = !{i32 2, i32 0}
